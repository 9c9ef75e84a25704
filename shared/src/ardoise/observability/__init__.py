"""What an operator sees of each process: JSON logs and Prometheus metrics (deploy/README.md)."""

from ardoise.observability.gateway import REQUEST_ID_HEADER, instrument_gateway
from ardoise.observability.logs import configure_logging, get_logger
from ardoise.observability.worker import WorkerMetrics, serve_worker_endpoints

__all__ = ["REQUEST_ID_HEADER", "WorkerMetrics", "configure_logging", "get_logger",
           "instrument_gateway", "serve_worker_endpoints"]
