# syntax=docker/dockerfile:1
# One image per service, from this one file:
#   docker build --build-arg SERVICE=orders -t ardoise/orders .
# SERVICE is a folder of services/ (orders, accounts, payments, exports, journal, web,
# sumup-standin). Each image holds the ardoise command, so any of them runs the jobs;
# deploy/README.md lists what runs where.
ARG PYTHON_IMAGE=python:3.11-slim-bookworm

FROM ${PYTHON_IMAGE} AS build
ARG SERVICE
ENV PIP_NO_CACHE_DIR=1 PIP_DISABLE_PIP_VERSION_CHECK=1
WORKDIR /src
RUN test -n "${SERVICE}" || (echo "build with --build-arg SERVICE=<folder of services/>" && false)
COPY requirements/constraints.txt requirements/constraints.txt
COPY shared shared
COPY services/${SERVICE} services/${SERVICE}
# The project's own packages from this tree (never looked up on an index), exact versions for
# the rest; the stand-in does not need the shared package.
RUN python -m venv /opt/ardoise \
 && if grep -q '"ardoise-shared"' "services/${SERVICE}/pyproject.toml"; then shared=./shared; fi \
 && /opt/ardoise/bin/pip install -c requirements/constraints.txt ${shared:-} "./services/${SERVICE}"

FROM ${PYTHON_IMAGE} AS runtime
ARG SERVICE
LABEL org.opencontainers.image.title="ardoise-${SERVICE}" \
      org.opencontainers.image.description="Ardoise ${SERVICE}: see deploy/README.md"
RUN groupadd --system --gid 10001 ardoise \
 && useradd --system --uid 10001 --gid ardoise --no-create-home --home-dir /nonexistent \
      --shell /usr/sbin/nologin ardoise
# The orders service draws invoice PDFs with WeasyPrint, which needs Pango and a font.
RUN if [ "${SERVICE}" = orders ]; then apt-get update \
 && apt-get install -y --no-install-recommends libpango-1.0-0 libpangoft2-1.0-0 fonts-dejavu-core \
 && rm -rf /var/lib/apt/lists/*; fi
COPY --from=build /opt/ardoise /opt/ardoise
# Containers listen on every interface; ports and the rest come from the environment.
ENV PATH=/opt/ardoise/bin:${PATH} \
    PYTHONUNBUFFERED=1 \
    PYTHONDONTWRITEBYTECODE=1 \
    HTTP_HOST=0.0.0.0 \
    SUMUP_STANDIN_HOST=0.0.0.0
WORKDIR /tmp
USER 10001:10001
CMD ["python", "-c", "print('give the process to run, e.g. orders-gateway (deploy/README.md)')"]
