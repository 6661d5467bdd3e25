"""The process's one HTTP listener: the webhook, GET /healthz and GET /metrics."""
