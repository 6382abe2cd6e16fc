from django.apps import AppConfig


class MetricsConfig(AppConfig):
    name = "redalert.metrics"
    label = "redalert_metrics"  # "metrics" is a common label; keep ours unmistakable
    verbose_name = "Prometheus metrics"
