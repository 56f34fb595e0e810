# The image a city deploys: the API, the migrations and the Celery worker share it.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1
WORKDIR /srv/citygate

COPY pyproject.toml constraints.txt README.md ./
COPY app ./app
COPY workflows ./workflows
COPY workers ./workers
COPY migrations ./migrations
COPY alembic.ini ./
RUN pip install --no-cache-dir -c constraints.txt . \
    && useradd --system --uid 10001 citygate
USER citygate

EXPOSE 8000
CMD ["uvicorn", "app.main:app", "--host", "0.0.0.0", "--port", "8000", "--proxy-headers"]
