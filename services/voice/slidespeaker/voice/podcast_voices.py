"""Who speaks the podcast: the host in the job's voice, the guest in a clearly different one.

The guest is `--guest-voice` when given; else a hosted provider's stock voice unlike its
default; else, with Piper, another Piper voice in the voices directory. With only the
bundled voice (or espeak-ng), the guest is the host's voice a little faster and pitched up
with its formants (ffmpeg's rubberband): a smaller voice, which a listener hears as
another person, with the words still where the engine timed them.
"""

from __future__ import annotations

from dataclasses import dataclass

from slidespeaker.common.events import JobOptions, Speaker
from slidespeaker.voice.piper_engine import PiperProvider
from slidespeaker.voice.provider import VoiceProvider

# Stock voices unlike each provider's default (OpenAI's alloy, ElevenLabs' George).
HOSTED_GUESTS = {"openai": "nova", "elevenlabs": "21m00Tcm4TlvDq8ikWAM"}  # Rachel
GUEST_PITCH = 1.35  # about five semitones up, formants shifted with it
GUEST_PACE = 1.08  # and a little quicker


@dataclass(frozen=True)
class SpeakerVoice:
    voice: str  # the provider's voice
    rate: float
    pitch: float = 1.0  # 1.0: as the voice speaks; else shifted by this factor

    @property
    def label(self) -> str:
        """The voice as the event names it."""
        return self.voice if self.pitch == 1.0 else f"{self.voice} (pitch x{self.pitch:g})"


def speaker_voice(provider: VoiceProvider, options: JobOptions, speaker: Speaker) -> SpeakerVoice:
    host = options.host_voice or options.voice or provider.default_voice
    if speaker == "host":
        return SpeakerVoice(host, options.rate)
    guest = options.guest_voice or _other_voice(provider, host)
    if guest is None or guest == host:
        return SpeakerVoice(host, options.rate * GUEST_PACE, GUEST_PITCH)
    return SpeakerVoice(guest, options.rate)


def _other_voice(provider: VoiceProvider, host: str) -> str | None:
    if isinstance(provider, PiperProvider):
        return next((name for name in provider.voices() if name != host), None)
    return HOSTED_GUESTS.get(provider.name)
