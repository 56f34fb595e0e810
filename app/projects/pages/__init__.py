"""The project lead's pages: my projects, a project with its readiness, a whole checklist
on one form, submission to the gate and the moves that need no gate, and the plan, KPI
and document forms on the project page.

One router for app/main.py, put together from a module per group of pages.
"""

from fastapi import APIRouter

from app.projects.pages import checklists, plan, projects, submit_and_move

router = APIRouter()
# `projects` first: its `/my/projects/new` must be matched before `/my/projects/{project_id}`.
router.include_router(projects.router)
router.include_router(checklists.router)
router.include_router(submit_and_move.router)
router.include_router(plan.router)
