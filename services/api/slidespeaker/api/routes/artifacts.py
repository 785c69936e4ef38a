"""A job's files: looked up by name in its state, never joined from the request."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Header, HTTPException
from fastapi.responses import Response

from slidespeaker.api.deps import JobId, ProjectionDep, StorageDep
from slidespeaker.api.stored_files import stored_file
from slidespeaker.api.views import MEDIA_TYPES, errors

router = APIRouter(prefix="/api/jobs", tags=["artifacts"], responses=errors(404))


RangeHeader = Annotated[str | None, Header(alias="range")]


@router.get("/{job_id}/artifacts/{name}", response_class=Response)
async def read_artifact(
    job_id: JobId, name: str, projection: ProjectionDep, storage: StorageDep,
    range_header: RangeHeader = None,
) -> Response:  # fmt: skip
    """The file, with HTTP Range support (browsers seek in video with it)."""
    state = await projection.state(job_id)
    if state is None:
        raise HTTPException(404, "no such job")
    if name not in MEDIA_TYPES:
        raise HTTPException(404, f"no artifact {name!r}; there are: {', '.join(MEDIA_TYPES)}")
    key = state.output_files().get(name)
    if key is None:
        raise HTTPException(404, f"the job has no {name} (it is {state.status.value})")
    return await stored_file(storage, key, MEDIA_TYPES[name], name, range_header)


@router.get("/{job_id}/slides/{number}/image", response_class=Response)
async def read_slide_image(
    job_id: JobId, number: int, projection: ProjectionDep, storage: StorageDep,
    range_header: RangeHeader = None,
) -> Response:  # fmt: skip
    state = await projection.state(job_id)
    slide = state.slides.get(number) if state else None
    if slide is None or slide.image_key is None:
        raise HTTPException(404, "no such slide image (yet)")
    return await stored_file(
        storage, slide.image_key, "image/png", f"slide-{number}.png", range_header
    )
