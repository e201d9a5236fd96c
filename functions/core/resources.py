"""What a request, a job or a command works with: settings, store, mailer, SMS sender, letter poster, clock, the
e-invoice reader."""

from __future__ import annotations

from functools import cached_property
from typing import TYPE_CHECKING

from functions.core.clock import Clock, system_clock
from functions.core.config import Settings, load_settings
from functions.core.mailer import Mailer, mailer_from_url
from functions.core.post import LetterPoster, letter_poster_from_url
from functions.core.sms import SmsSender, sms_sender_from_url
from functions.core.store import Store, open_store
from functions.core.store.evidence import evidence_storage, stored_bytes

if TYPE_CHECKING:  # the reader is opened when a filing cites an invoice, not at a cold start
    from functions.core.einvoices.remote import EInvoiceReader


class Resources:
    """Settings plus the resources they name; the store and mailer open on first use."""

    def __init__(
        self,
        settings: Settings | None = None,
        *,
        store: Store | None = None,
        mailer: Mailer | None = None,
        clock: Clock | None = None,
        poster: LetterPoster | None = None,
    ) -> None:
        self.settings = settings or load_settings()
        self.clock = clock or system_clock
        if store is not None:
            self.__dict__["store"] = store
        if mailer is not None:
            self.__dict__["mailer"] = mailer
        if poster is not None:
            self.__dict__["poster"] = poster

    @cached_property
    def store(self) -> Store:
        return open_store(self.settings.store_url, self.clock)

    @cached_property
    def mailer(self) -> Mailer:
        return mailer_from_url(self.settings.mailer_url, self.settings.mail_from)

    @cached_property
    def sms(self) -> SmsSender:
        """Who sends the SMS steps of recovery scenarios (``ARDOISE_SMS``)."""
        return sms_sender_from_url(self.settings.sms_url)

    @cached_property
    def poster(self) -> LetterPoster:
        """Who posts the letter steps of recovery scenarios (``ARDOISE_LETTERS``): the creditor, or a provider."""
        return letter_poster_from_url(self.settings.letters_url, self.clock)

    @cached_property
    def einvoices(self) -> EInvoiceReader:
        """Who reads a cited e-invoice (``ARDOISE_EINVOICE_READER``): this process, or the einvoice stage."""
        from functions.core.einvoices.remote import einvoice_reader

        storage = evidence_storage(self.settings.evidence_url)
        return einvoice_reader(self.settings.einvoice_reader, lambda key: stored_bytes(storage, key))
