from django.apps import AppConfig


class OhwbPortalConfig(AppConfig):
    name = "ohwb_portal"
    verbose_name = "OHWB Portal"

    def ready(self) -> None:
        # Both the web processes (which publish tasks) and the workers (which run them) load apps.
        from celery.signals import before_task_publish, task_failure, task_postrun, task_prerun

        from .observability import metrics, request_id

        before_task_publish.connect(request_id.add_to_task_headers, weak=False)
        task_prerun.connect(request_id.bind_for_task, weak=False)
        task_postrun.connect(request_id.unbind_after_task, weak=False)
        task_failure.connect(metrics.count_task_failure, weak=False)
