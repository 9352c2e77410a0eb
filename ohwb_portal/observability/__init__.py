"""What operators see: request ids in every log line and task, Prometheus metrics, optional error reporting."""
