"""Every export asked for, kept with who asked for it (issue #23): the workbooks downloaded and
the weekly e-mail sent by hand. The Monday timer's sendings are the weekly e-mails' own record."""

from sqlalchemy.ext.asyncio import async_sessionmaker

from exports.adapters.export_log import ExportLog

SALES_BY_MODE, INVOICES, PAYMENTS = "sales-by-mode.xlsx", "invoices.xlsx", "payments.xlsx"
WEEKLY_EMAIL = "weekly-email"


async def log_request(sessions: async_sessionmaker, producer_id: str, kind: str,
                      asked_by: str | None, **detail) -> None:
    """One export asked for, once it was made (a refused request is not one), in a
    transaction of its own."""
    async with sessions() as session, session.begin():
        await ExportLog(session).add(producer_id, kind, asked_by, detail)


def request_view(row) -> dict:
    return {"request_id": str(row.request_id), "kind": row.kind, "asked_by": row.asked_by,
            "asked_at": row.asked_at.isoformat(), "detail": row.detail}
