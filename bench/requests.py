"""What the HTTP loads send. wrk's script puts an id where a path says "{id}"."""

from app.api import API_PREFIX

LIST_PATHS = [
    f"{API_PREFIX}/projects?theme=smart_mobility&stage=pilot",
    f"{API_PREFIX}/projects?stage=idea&q=traffic",
    f"{API_PREFIX}/projects?solutionType=chatbot&page=2",
]
# What a day of use looks like for the memory run: reads of every kind a worker serves.
MIXED_PATHS = [
    f"{API_PREFIX}/projects/{{id}}",
    f"{API_PREFIX}/projects/{{id}}/history",
    f"{API_PREFIX}/projects/{{id}}/kpis",
    f"{API_PREFIX}/projects?theme=smart_living&stage=evaluation",
    f"{API_PREFIX}/reviews/{{id}}",
]
PROJECT_PATH = f"{API_PREFIX}/projects/{{id}}"
VOTE_PATH = f"{API_PREFIX}/reviews/{{id}}/votes"
VOTE = '{"decision": "go", "rationale": "Meets every criterion."}'
