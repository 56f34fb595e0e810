"""`/projects/{id}/reminders`: what is due on a project, for whom, since when."""

from fastapi import APIRouter

from app.clock import utcnow
from app.db import SessionDep
from app.errors import problem
from app.lifecycle import RegistryDep
from app.projects.dependencies import InsiderDep, ProjectDep
from app.projects.service import engine_of, project_id_of
from app.projects.stage_clock import paused_days
from app.reminders import service
from app.reminders.schemas import ProjectRemindersRead, ReminderRead, StageClockRead

router = APIRouter(prefix="/projects", tags=["reminders"])


@router.get("/{project_id}/reminders", responses=problem(401, 403, 404, 422))
def project_reminders(
    _insider: InsiderDep, project: ProjectDep, session: SessionDep, registry: RegistryDep
) -> ProjectRemindersRead:
    """Open reminders of the project and its stage clock, for its city, the board and
    administrators. The sweeps keep them current; the hold pauses the clock visibly."""
    workflow = engine_of(project, registry).workflow
    held_from = project.held_from if project.clock_paused_at is not None else None
    clock_stage = workflow.stage(held_from or project.stage)
    reminders = [
        ReminderRead(
            id=reminder.id or 0,
            rule=reminder.rule,
            kind=reminder.event,
            subject_type=reminder.subject_type,
            subject_id=reminder.subject_id,
            person_id=reminder.person_id,
            person_name=person.name if person else None,
            escalation=reminder.escalation,
            escalated_at=reminder.escalated_at,
            mandatory=reminder.mandatory,
            due_since=reminder.due_since,
            notices=reminder.notices,
            last_notice_at=reminder.last_notice_at,
            next_notice_at=reminder.next_notice_at,
        )
        for reminder, person in service.open_reminders(session, project_id_of(project))
    ]
    clock = StageClockRead(
        stage=clock_stage.name,
        norm_days=clock_stage.norm_days,
        norm_due_at=project.norm_due_at,
        paused=project.clock_paused_at is not None,
        paused_since=project.clock_paused_at,
        paused_days=paused_days(project, now=utcnow()),
    )
    return ProjectRemindersRead(
        project_id=project_id_of(project), stage_clock=clock, reminders=reminders
    )
