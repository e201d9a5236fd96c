"""The directory Lambda: ``functions.directory.app:app``."""

from __future__ import annotations

from typing import Any

from flask import Flask

from functions.core.domain.evidence import MAX_EVIDENCE_BYTES
from functions.core.http import build_app
from functions.core.mounts import API_MOUNTS
from functions.directory import space_cases, space_filing, space_reports, space_scenarios  # noqa: F401 - their pages join the space's blueprint
from functions.directory.case_report import api as case_report_api
from functions.directory.experiences import api as experiences_api
from functions.directory.injunction import api as injunction_api
from functions.directory.recovery import api as recovery_api
from functions.directory.routes import api
from functions.directory.space import space
from functions.directory.space_moderation import space as moderation_space

EVIDENCE_BODY_BYTES = MAX_EVIDENCE_BYTES + 64 * 1024


def create_app(**overrides: Any) -> Flask:
    """Build the directory app; tests pass ``settings``, ``store``, ``mailer``, ``clock``."""
    app = build_app(
        __name__,
        title="Ardoise — annuaire",
        description=(
            "Signalements d'impayés après échec du recouvrement amiable, réponses des débiteurs, "
            "modération, fiches publiques, recouvrement amiable par Ardoise."
        ),
        apis=[api, experiences_api, recovery_api, case_report_api, injunction_api],
        # Evidence files are uploaded to the API itself when stored locally (5 MB each).
        max_body_bytes=EVIDENCE_BODY_BYTES,
        mount=API_MOUNTS["directory"],
        **overrides,
    )
    # The creditor's space (/espace/): pages over the same use cases.
    app.register_blueprint(space)
    # The moderators' space (/moderation/): the queues and decisions over the same use cases.
    app.register_blueprint(moderation_space)
    return app


app = create_app()
