from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class PendingFollowUp(models.Model):
    """A case whose change a queued follower has not caught up with yet (redalert.changes.announce).

    Written in the transaction of the change, deleted by the worker once the follower ran. Several rows for the
    same follower and case are caught up together; a row written while a worker runs stays for the next round, so
    a change never slips between the worker's read and its delete. `case_id` is a plain number: this app sits
    below `cases`.
    """

    follower = models.CharField(max_length=40)
    case_id = models.BigIntegerField()
    queued_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("pending follow-up")
        verbose_name_plural = _("pending follow-ups")
        indexes = [models.Index(fields=["follower", "id"], name="pending_follow_up_queue")]

    def __str__(self) -> str:
        return f"{self.follower}: case {self.case_id}"
