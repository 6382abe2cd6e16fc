"""Tasks and deadlines: "my tasks" (overdue first) and the tasks of a case."""

from __future__ import annotations

from django.contrib import messages
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from redalert.access.policy import Action, case_for, may, visible_cases
from redalert.accounts.models import User
from redalert.cases import services as case_services
from redalert.cases.choices import CaseStatus
from redalert.cases.models import Case
from redalert.cases.views import case_nav_context
from redalert.tasks import services
from redalert.tasks.forms import TaskForm
from redalert.tasks.models import Task


def my_tasks(request: HttpRequest) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    if not user.works_on_cases:
        raise Http404
    now = timezone.now()
    tasks = list(services.open_tasks_of(user))
    overdue = [t for t in tasks if t.due_at < now]
    upcoming = [t for t in tasks if t.due_at >= now]
    # "My cases": the open cases whose team she is on (her home after signing in, with her tasks; issue 17).
    my_cases = (
        visible_cases(user)
        .filter(memberships__user=user)
        .exclude(status=CaseStatus.CLOSED)
        .select_related("person")
        .order_by("-reported_at")[:50]
    )
    return render(request, "tasks/mine.html", {"overdue": overdue, "upcoming": upcoming, "my_cases": my_cases})


def _owners(case: Case) -> QuerySet[User]:
    return User.objects.filter(case_memberships__case=case, is_active=True).order_by("first_name", "username")


def case_tasks(request: HttpRequest, pk: int) -> HttpResponse:
    """The tasks of a case: every case worker of the organisation sees them; the team and coordinators add them."""
    user: User = request.user  # type: ignore[assignment]
    case = case_for(user, pk)
    may_add = may(user, Action.ADD_NOTE, case)
    form = TaskForm(request.POST or None, owners=_owners(case), initial={"owner": user.pk}) if may_add else None
    if request.method == "POST":
        if form is None:
            raise Http404
        if form.is_valid():
            services.add_task(case, actor=user, request=request, **form.cleaned_data)
            messages.success(request, _("Task added."))
            return redirect("tasks:case", pk=case.pk)
        messages.error(request, _("The task was not saved: please correct the fields marked below."))
    else:
        case_services.record_view(case, actor=user, request=request, what="tasks")
    tasks = Task.objects.filter(case=case).select_related("owner", "done_by").order_by("done_at", "due_at", "id")
    return render(
        request,
        "tasks/case.html",
        {"case": case, "tasks": tasks, "form": form, "may_add": may_add, **case_nav_context(user, case)},
    )


@require_POST
def complete(request: HttpRequest, pk: int, task_id: int) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    case = case_for(user, pk)
    task = get_object_or_404(Task, pk=task_id, case=case)
    if task.owner_id != user.pk and not may(user, Action.ADD_NOTE, case):
        raise Http404
    if services.complete_task(task, actor=user, request=request):
        messages.success(request, _("Task marked as done."))
    nxt = request.POST.get("next")
    if nxt == "mine":
        return redirect("tasks:mine")
    return redirect("tasks:case", pk=case.pk)
