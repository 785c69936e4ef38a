"""Dependencies of the routes: settings, the event log, storage."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from slidespeaker.common.log import EventLog
from slidespeaker.common.settings import Settings
from slidespeaker.common.storage import Storage


def get_settings(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


def get_event_log(request: Request) -> EventLog:
    log: EventLog = request.app.state.event_log
    return log


def get_storage(request: Request) -> Storage:
    storage: Storage = request.app.state.storage
    return storage


SettingsDep = Annotated[Settings, Depends(get_settings)]
EventLogDep = Annotated[EventLog, Depends(get_event_log)]
StorageDep = Annotated[Storage, Depends(get_storage)]
