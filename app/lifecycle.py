"""The published workflows, loaded and validated once per process."""

from functools import lru_cache
from typing import Annotated

from fastapi import Depends

from app.config import get_settings
from workflows.engine import WorkflowRegistry


@lru_cache
def get_registry() -> WorkflowRegistry:
    return WorkflowRegistry.from_directory(get_settings().workflows_dir)


async def registry() -> WorkflowRegistry:
    """The registry for a request: loaded at startup, so this does no I/O and runs in the
    event loop rather than taking a trip through the thread pool."""
    return get_registry()


RegistryDep = Annotated[WorkflowRegistry, Depends(registry)]
