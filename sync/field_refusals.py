"""The message ids of the protocol's field checks (``sync/fields.py``, ``sync/payloads.py``,
``sync/protocol.py``, ``sync/history.py``) and of a malformed journal-heads body: where a
refusal points (``change 3 (loyalty_entry …)``), what kind of value came, and why the field
is refused. A server's ``422 invalid`` carries them as data (``sync.refusals``), so the till
words them in its language."""

from __future__ import annotations

from till.core.words import N_

# Where: the record a refused field belongs to.
BATCH = N_("batch")
PUSH_ANSWER = N_("push answer")
PULL_REQUEST = N_("pull request")
PULL_ANSWER = N_("pull answer")
HISTORY_REQUEST = N_("history request")
HISTORY_ANSWER = N_("history answer")
HISTORY_SALE = N_("history sale {n}")
CHANGE_AT = N_("change {n}")
CHANGE = N_("change {seq} ({entity} {entity_id})")
FEED_CHANGE_AT = N_("feed change {n}")
FEED_CHANGE = N_("feed change {seq} ({entity} {entity_id})")
LINE = N_("{where}, line {n}")
VAT_BAND = N_("{where}, VAT band {n}")
PAYMENT = N_("{where}, payment {n}")
IN_FIELD = N_("{where}, field {field}")

# The refusal itself.
FIELD = N_("{where}, field {field}: {reason}")
NOT_AN_OBJECT = N_("{where}: must be a JSON object, got {kind}.")

# What came instead.
KIND_NULL = N_("null")
KIND_BOOLEAN = N_("true or false")
KIND_NUMBER = N_("a number")
KIND_TEXT = N_("text")
KIND_LIST = N_("a list")
KIND_OBJECT = N_("an object")
KIND_OTHER = N_("a value of type {type}")

# Why the field is refused.
MISSING = N_("is missing.")
NOT_WHOLE = N_("must be a whole number, got {kind}.")
WHOLE = N_("must be a whole number.")
OUTSIDE = N_("{value:,} is outside {low:,} to {high:,}.")
FAR_OUTSIDE = N_("a number that large is outside {low:,} to {high:,}.")
BEYOND = N_("is beyond {high:,}.")
NOT_BOOLEAN = N_("must be true or false, got {kind}.")
BOOLEAN = N_("must be true or false.")
NOT_ID = N_("must be an id (a UUID in lower case), got {value}.")
NOT_WORD = N_("must be a lower-case word, got {value}.")
NOT_TIME = N_("must be an ISO 8601 time, got {value}.")
NO_ZONE = N_("must say its time zone (UTC offset).")
NOT_LIST = N_("must be a list, got {kind}.")
TOO_MANY = N_("has {count:,} items, at most {most:,} allowed.")
NOT_OBJECT = N_("must be a JSON object, got {kind}.")
NOT_IN_VERSION = N_("is not part of this protocol version.")
NOT_TEXT = N_("must be text, got {kind}.")
TOO_LONG = N_("is longer than {most:,} characters.")
NOT_STORED = N_("must be stored text: no line breaks or tabs, no spaces at the ends.")
EMPTY = N_("must not be empty.")
CONTROL_CHARACTER = N_("has a control character ({found}), which cannot be printed.")
"""``till.core.text.CONTROL_CHARACTER``: the reason ``clean_line`` gives."""
NO_CHANGES = N_("is empty: a push carries at least one change.")
NOT_IN_ORDER = N_("must be in increasing seq order.")
BACK_OFFICE_ONLY = N_("{entity} is the back office's: a till does not send it.")
BEHIND = N_("{cursor} is behind the changes it answers.")
NEEDS_BEFORE = N_("needs before.")
NOT_TAKEN = N_("{entity} {operation} is not a change this server takes.")
NOT_ENTITY_ID = N_("differs from the change's entity_id.")
SELF_MERGE = N_("is the customer kept: a customer is not merged into itself.")
NOT_CLOCK = N_("must be a clock (wall-counter-node, as a till writes it).")
NOT_CARRIED = N_("is not a field this change carries.")
NOT_CUSTOMER_FIELD = N_("is not a customer field.")
ONE_OF = N_("must be one of {choices}.")
TOO_MANY_TAGS = N_("must be a list of at most {most} tags.")
TOO_MANY_ENTRIES = N_("must be an object of at most {most} names and values.")
LINES_TOTAL = N_("the lines come to {computed:,}, but the sale says {stated:,}.")
LINES_ITEMS = N_("the lines hold {computed:,}, but the sale says {stated:,}.")
BANDS_GROSS = N_("the bands' gross comes to {computed:,}, but the sale says {stated:,}.")
PAYMENTS_TOTAL = N_("the amounts come to {computed:,}, but the sale says {stated:,}.")
PAYMENTS_CHANGE = N_("the payments leave {computed:,}, but the sale says {stated:,}.")
BAND_SUM = N_("band {n}: net and VAT do not make the gross.")
TOO_MANY_LINES = N_("has more than {most} lines.")
ABOVE_PRICE = N_("is above the price.")
STORED_AS = N_("must be stored as {code}.")
SPACES_AROUND = N_("has spaces around it.")
NOT_HEX_TAG = N_("must be 64 lowercase hexadecimal digits.")
NOT_COUPON = N_("must be a coupon code (CPN and 11 symbols, the last a check), got {value}.")
NOT_DATE = N_("must be a date (YYYY-MM-DD), got {value}.")
PERIOD_BOUNDS = N_("must be on or after starts, and at most {most:,} days later.")
NO_OFFER_NO_DAY = N_("must be empty: a campaign without an offer has no coupon.")
COUPON_DAYS = N_("must be from starts to {last} at the latest.")

# A malformed journal-heads body (sync/server/journal_heads.py).
HEADS_BODY = N_("The body must hold public_key and chains only.")
HEADS_PEM = N_("public_key must be a PEM text.")
HEADS_TOO_MANY = N_("chains must map at most {most} chains to heads.")
HEADS_NOT_A_CHAIN = N_("{chain} is not a chain of the journal.")
HEADS_SEQ = N_("{chain}: seq must be a whole number.")
HEADS_HEX = N_("{chain}: head and signature must be hexadecimal.")
HEADS_TIME = N_("{chain}: sealed_at must be a time.")
HEADS_NOT_PEM = N_("public_key is not a PEM public key.")
HEADS_NOT_ED25519 = N_("public_key is not an Ed25519 key.")

FIELD_REFUSALS = frozenset(
    value for name, value in dict(globals()).items() if name.isupper() and isinstance(value, str)
)
"""Every id above: the till words them when a server sends them."""
