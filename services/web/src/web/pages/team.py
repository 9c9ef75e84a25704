"""The farm's operators (`/equipe`): who may sign in to the back office; add one by e-mail
address (it signs in with a link sent there), revoke one (its sessions end at once, every
gateway refuses its tokens within a minute). A revoked operator stays listed, dated."""

import re
from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse

from web import operators
from web.pages.common import CheckedOperator, OperatorSession, page

router = APIRouter(tags=["team"])
_EMAIL = re.compile(r"^[^@\s]{1,200}@[^@\s]{1,118}\.[^@\s]{1,60}$")


def _db(request: Request):
    return request.app.state.sessionmaker


async def _show(request: Request, session, status_code: int = 200, **context):
    team = await operators.listed(_db(request), session.principal.producer_id)
    return page(request, "team.html", session, status_code=status_code, team=team,
                me=session.principal.person, **context)


@router.get("/equipe")
async def team_page(request: Request, session: OperatorSession):
    return await _show(request, session)


@router.post("/equipe")
async def add_operator(request: Request, session: CheckedOperator,
                       email: Annotated[str, Form(max_length=320)] = "",
                       name: Annotated[str, Form(max_length=200)] = ""):
    if not _EMAIL.match(email.strip()):
        return await _show(request, session, status_code=422, email=email, name=name,
                           problem="Indiquez une adresse e-mail valide.")
    try:
        await operators.add(_db(request), session.principal.producer_id, email, name,
                            session.principal.actor, request.app.state.clock())
    except operators.AlreadyAnOperator:
        return await _show(request, session, status_code=409, email=email, name=name,
                           problem="Cette adresse est déjà celle d'un opérateur.")
    return RedirectResponse("/equipe", status_code=303)


@router.post("/equipe/{person_id}/revoquer")
async def revoke_operator(request: Request, person_id: str, session: CheckedOperator):
    if person_id == session.principal.person:
        return await _show(request, session, status_code=409,
                           problem="Vous ne pouvez pas retirer votre propre accès.")
    if not await operators.revoke(_db(request), session.principal.producer_id, person_id,
                                  session.principal.actor, request.app.state.clock()):
        return await _show(request, session, status_code=404,
                           problem="Cet opérateur n'a pas (ou plus) d'accès.")
    return RedirectResponse("/equipe", status_code=303)
