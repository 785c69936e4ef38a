"""A job's files: looked up by name in its state, never joined from the request."""

from __future__ import annotations

from pathlib import Path

from fastapi import APIRouter, HTTPException
from fastapi.responses import FileResponse

from slidespeaker.api.deps import JobId, ProjectionDep, StorageDep
from slidespeaker.api.views import MEDIA_TYPES, errors

router = APIRouter(prefix="/api/jobs", tags=["artifacts"], responses=errors(404))


@router.get("/{job_id}/artifacts/{name}", response_class=FileResponse)
async def read_artifact(
    job_id: JobId, name: str, projection: ProjectionDep, storage: StorageDep
) -> FileResponse:
    """The file, with HTTP Range support (browsers seek in video with it)."""
    state = await projection.state(job_id)
    if state is None:
        raise HTTPException(404, "no such job")
    if name not in MEDIA_TYPES:
        raise HTTPException(404, f"no artifact {name!r}; there are: {', '.join(MEDIA_TYPES)}")
    key = state.output_files().get(name)
    if key is None:
        raise HTTPException(404, f"the job has no {name} (it is {state.status.value})")
    return _file(storage.path(key), MEDIA_TYPES[name], name)


@router.get("/{job_id}/slides/{number}/image", response_class=FileResponse)
async def read_slide_image(
    job_id: JobId, number: int, projection: ProjectionDep, storage: StorageDep
) -> FileResponse:
    state = await projection.state(job_id)
    slide = state.slides.get(number) if state else None
    if slide is None or slide.image_key is None:
        raise HTTPException(404, "no such slide image (yet)")
    return _file(storage.path(slide.image_key), "image/png", f"slide-{number}.png")


def _file(path: Path, media_type: str, name: str) -> FileResponse:
    if not path.is_file():
        raise HTTPException(404, f"{name} is gone (the job may have been deleted)")
    return FileResponse(
        path, media_type=media_type, filename=name, content_disposition_type="inline"
    )
