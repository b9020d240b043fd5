"""THE description of the workbook: sheets, tables, columns, types, labels, defined names.

The template builder, the refresh, the importers and the docs all read this
module; no cell address is typed anywhere else. Input tables are found by
their Excel table (ListObject) name and their columns by header, in French or
English; dashboard areas by defined name.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

__all__ = ["Column", "InputTable", "Sheet", "INPUT_TABLES", "IMPORT_LOG", "IMPORT_ONLY_TABLES", "SHEETS", "CHOICES",
           "SETTINGS", "NAMES", "sheet_title", "table", "DASHBOARD", "TREND_COLUMNS", "TILE_KPIS", "NUMBER_FORMATS",
           "CUSTOM_SLOTS", "status_label", "choice_label"]


@dataclass(frozen=True)
class Column:
    """A column of an input table.

    ``kind``: date, month, text, choice, money, count or percent.
    ``key`` is the canonical name the core uses (see :mod:`kpi_xl.order_table`, :mod:`kpi_xl.report`).
    """

    key: str
    fr: str
    en: str
    kind: str
    width: float = 14
    choices: str | None = None  # a key of CHOICES
    required: bool = True
    help_fr: str = ""
    help_en: str = ""

    def label(self, lang: str) -> str:
        return self.fr if lang == "fr" else self.en


@dataclass(frozen=True)
class InputTable:
    """An input sheet holding one Excel table."""

    key: str
    table: str  # the ListObject's name
    code_name: str  # the sheet's VBA code name
    fr: str
    en: str
    columns: tuple[Column, ...]
    help_fr: str
    help_en: str

    def title(self, lang: str) -> str:
        return self.fr if lang == "fr" else self.en

    def column(self, key: str) -> Column:
        return next(c for c in self.columns if c.key == key)


@dataclass(frozen=True)
class Sheet:
    """Any sheet of the workbook, in tab order."""

    key: str
    code_name: str
    fr: str
    en: str
    tab_color: str = ""

    def title(self, lang: str) -> str:
        return self.fr if lang == "fr" else self.en


#: Excel number formats by kind of value (money has no currency symbol: the currency is a setting).
NUMBER_FORMATS = {"date": "yyyy-mm-dd", "month": "yyyy-mm", "money": "#,##0.00", "count": "#,##0",
                  "percent": "0.0%", "ratio": "0.00", "months": "0.0"}

#: Drop-down lists: the values a user picks (the first language is French).
CHOICES: dict[str, dict[str, tuple[str, ...]]] = {
    "status": {"fr": ("payée", "remboursée", "annulée"), "en": ("paid", "refunded", "cancelled")},
    "channel": {"fr": ("Google Ads", "Meta Ads", "Email", "TikTok Ads", "Organique", "Réseaux sociaux", "Autre"),
                "en": ("Google Ads", "Meta Ads", "Email", "TikTok Ads", "Organic", "Social media", "Other")},
    "platform": {"fr": ("Instagram", "Facebook", "TikTok", "LinkedIn", "Pinterest", "YouTube", "X"),
                 "en": ("Instagram", "Facebook", "TikTok", "LinkedIn", "Pinterest", "YouTube", "X")},
    "language": {"fr": ("FR", "EN"), "en": ("FR", "EN")},
    "direction": {"fr": ("plus haut = mieux", "plus bas = mieux"), "en": ("higher is better", "lower is better")},
    "currency": {"fr": ("EUR", "USD", "GBP", "CHF", "CAD"), "en": ("EUR", "USD", "GBP", "CHF", "CAD")},
    "yes_no": {"fr": ("oui", "non"), "en": ("yes", "no")},
    "date_order": {"fr": ("jour d'abord", "mois d'abord"), "en": ("day first", "month first")},
    "format": {"fr": ("pourcentage", "monnaie", "ratio", "nombre"), "en": ("percent", "money", "ratio", "count")},
}

ORDERS = InputTable(
    "orders", "tblOrders", "wsOrders", "Commandes", "Orders",
    (
        Column("order_date", "Date", "Date", "date", 12, help_fr="Date de la commande", help_en="Order date"),
        Column("order_id", "N° de commande", "Order number", "text", 16,
               help_fr="Unique, ex. #1001", help_en="Unique, e.g. #1001"),
        Column("customer_id", "Client", "Customer", "text", 24,
               help_fr="Identifiant ou e-mail du client", help_en="Customer id or e-mail"),
        Column("net_revenue", "CA net", "Net revenue", "money", 13,
               help_fr="Après remises et remboursements, hors port et taxes",
               help_en="After discounts and refunds, before shipping and taxes"),
        Column("cost_of_goods_sold", "Coût des marchandises", "Cost of goods sold", "money", 13,
               help_fr="Prix d'achat des articles vendus", help_en="What the goods sold cost you"),
        Column("discount", "Remise", "Discount", "money", 11, required=False,
               help_fr="Montant des remises accordées", help_en="Discounts granted"),
        Column("status", "Statut", "Status", "choice", 13, "status",
               help_fr="payée, remboursée ou annulée", help_en="paid, refunded or cancelled"),
        Column("channel", "Canal d'acquisition", "Acquisition channel", "choice", 18, "channel", required=False,
               help_fr="D'où vient le client", help_en="Where the customer came from"),
        Column("source", "Source", "Source", "text", 12, required=False,
               help_fr="Plateforme d'origine (remplie par l'import) : shopify, woocommerce, stripe",
               help_en="Platform the order came from (filled by imports): shopify, woocommerce, stripe"),
    ),
    "Une ligne par commande (exports Shopify, WooCommerce, Stripe : voir Importer).",
    "One row per order (Shopify, WooCommerce, Stripe exports: see Import).",
)
TRAFFIC = InputTable(
    "traffic", "tblTraffic", "wsTraffic", "Trafic", "Traffic",
    (
        Column("month", "Mois", "Month", "month", 11, help_fr="Premier jour du mois", help_en="First day of the month"),
        Column("visitors", "Visiteurs", "Visitors", "count", 12, help_fr="Utilisateurs (GA4)", help_en="Users (GA4)"),
        Column("sessions", "Sessions", "Sessions", "count", 12),
        Column("purchases", "Achats", "Purchases", "count", 11, help_fr="Commandes passées sur le site",
               help_en="Orders placed on the site"),
        Column("newsletter_signups", "Inscriptions newsletter", "Newsletter sign-ups", "count", 14),
        Column("whitepaper_downloads", "Téléchargements livre blanc", "White-paper downloads", "count", 14),
    ),
    "Une ligne par mois (GA4, Shopify Analytics).",
    "One row per month (GA4, Shopify Analytics).",
)
MARKETING = InputTable(
    "marketing", "tblMarketing", "wsMarketing", "Marketing", "Marketing",
    (
        Column("month", "Mois", "Month", "month", 11),
        Column("channel", "Canal", "Channel", "choice", 16, "channel"),
        Column("spend", "Dépenses", "Spend", "money", 12),
        Column("impressions", "Impressions", "Impressions", "count", 13),
        Column("clicks", "Clics", "Clicks", "count", 11),
        Column("new_customers", "Nouveaux clients attribués", "New customers attributed", "count", 14),
    ),
    "Une ligne par mois et par canal (Google Ads, Meta Ads...).",
    "One row per month and channel (Google Ads, Meta Ads...).",
)
SOCIAL = InputTable(
    "social", "tblSocial", "wsSocial", "Réseaux sociaux", "Social",
    (
        Column("month", "Mois", "Month", "month", 11),
        Column("platform", "Plateforme", "Platform", "choice", 14, "platform"),
        Column("followers", "Abonnés", "Followers", "count", 12, help_fr="En fin de mois", help_en="At month end"),
        Column("reach", "Portée", "Reach", "count", 12),
        Column("impressions", "Impressions", "Impressions", "count", 13),
        Column("likes", "J'aime", "Likes", "count", 10),
        Column("comments", "Commentaires", "Comments", "count", 12),
        Column("shares", "Partages", "Shares", "count", 10),
        Column("site_visits", "Visites du site", "Site visits", "count", 12),
        Column("posts", "Publications", "Posts", "count", 12, required=False,
               help_fr="Publications du mois (facultatif : engagement par publication)",
               help_en="Posts of the month (optional: engagement per post)"),
    ),
    "Une ligne par mois et par plateforme.",
    "One row per month and platform.",
)
CUSTOM = InputTable(
    "custom", "tblCustomKpis", "wsCustom", "Mes indicateurs", "My KPIs",
    (
        Column("name", "Nom", "Name", "text", 28, help_fr="Le nom affiché", help_en="The name shown"),
        Column("formula", "Formule", "Formula", "text", 48,
               help_fr="ex. revenue / sessions (noms : feuille Définitions)",
               help_en="e.g. revenue / sessions (names: Definitions sheet)"),
        Column("format", "Format", "Format", "choice", 14, "format", required=False,
               help_fr="pourcentage, monnaie, ratio ou nombre", help_en="percent, money, ratio or count"),
        Column("target", "Objectif", "Target", "ratio", 12, required=False),
        Column("direction", "Sens", "Direction", "choice", 18, "direction", required=False),
    ),
    "Vos propres indicateurs : une formule par ligne sur les chiffres mensuels (+ - * / ( ), min, max, abs, round, "
    "if_zero).",
    "Your own KPIs: one formula per row over the monthly figures (+ - * / ( ), min, max, abs, round, if_zero).",
)
IMPORT_LOG = InputTable(
    "imports", "tblImports", "wsImports", "Journal des imports", "Import log",
    (
        Column("imported_on", "Importé le", "Imported on", "date", 12),
        Column("source", "Source", "Source", "text", 12),
        Column("file", "Fichier", "File", "text", 30),
        Column("table", "Table", "Table", "text", 12),
        Column("first_day", "Du", "From", "date", 12),
        Column("last_day", "Au", "To", "date", 12),
        Column("month", "Mois", "Month", "month", 11, required=False),
        Column("key", "Clé", "Key", "text", 14, required=False),
        Column("figures", "Chiffres importés", "Figures imported", "text", 48),
    ),
    "Rempli par les imports : d'où vient chaque chiffre. Ne pas modifier.",
    "Filled by imports: where every figure came from. Do not edit.",
)
INPUT_TABLES: dict[str, InputTable] = {t.key: t for t in (ORDERS, TRAFFIC, MARKETING, SOCIAL, CUSTOM, IMPORT_LOG)}
#: Tables the importers keep for themselves: the refresh does not read them.
IMPORT_ONLY_TABLES = frozenset({"imports"})
#: How many custom KPIs the dashboard shows as tiles and trend columns (all are computed and in the JSON).
CUSTOM_SLOTS = 4

SHEETS: tuple[Sheet, ...] = (
    Sheet("home", "wsHome", "Accueil", "Home", "1F4E79"),
    Sheet("settings", "wsSettings", "Paramètres", "Settings", "7F7F7F"),
    Sheet("orders", "wsOrders", "Commandes", "Orders", "2E75B6"),
    Sheet("traffic", "wsTraffic", "Trafic", "Traffic", "2E75B6"),
    Sheet("marketing", "wsMarketing", "Marketing", "Marketing", "2E75B6"),
    Sheet("social", "wsSocial", "Réseaux sociaux", "Social", "2E75B6"),
    Sheet("custom", "wsCustom", "Mes indicateurs", "My KPIs", "7030A0"),
    Sheet("dashboard", "wsDashboard", "Tableau de bord", "Dashboard", "548235"),
    Sheet("definitions", "wsDefinitions", "Définitions", "Definitions", "7F7F7F"),
    Sheet("imports", "wsImports", "Journal des imports", "Import log", "A6A6A6"),
    Sheet("xlwings_conf", "wsXlwingsConf", "xlwings.conf", "xlwings.conf", "A6A6A6"),
)


@dataclass(frozen=True)
class Setting:
    """One value of the Settings sheet, held in a named cell."""

    key: str
    name: str  # the defined name
    fr: str
    en: str
    kind: str
    default: object = None
    choices: str | None = None
    default_en: object = None  # the English workbook's default, when it differs
    refresh: bool = True  # False: read by the imports only

    def default_for(self, lang: str) -> object:
        """The value a new workbook in ``lang`` holds."""
        return self.default_en if lang == "en" and self.default_en is not None else self.default


SETTINGS: tuple[Setting, ...] = (
    Setting("company", "kpi_company", "Société", "Company", "text", "Ma boutique", default_en="My shop"),
    Setting("currency", "kpi_currency", "Devise", "Currency", "choice", "EUR", "currency"),
    Setting("reporting_month", "kpi_reporting_month", "Mois de référence (vide = dernier mois)",
            "Reporting month (blank = latest)", "month"),
    Setting("language", "kpi_language", "Langue", "Language", "choice", "FR", "language", "EN"),
    Setting("inactivity_days", "kpi_inactivity_days", "Fenêtre d'inactivité (jours)", "Inactivity window (days)",
            "count", 365),
    Setting("history_start", "kpi_history_start",
            "Commandes complètes depuis (vide = la 1re commande)", "Orders complete since (blank = first order)",
            "date"),
    Setting("opened", "kpi_opened", "Ouverture de la boutique (vide = inconnue)", "Shop opened (blank = not known)",
            "date"),
    Setting("default_cogs_rate", "kpi_default_cogs_rate", "Coût des marchandises par défaut (% du CA net, si non saisi)",
            "Default cost of goods (% of net revenue, when not entered)", "percent"),
    Setting("import_path", "kpi_import_path", "Dernier fichier importé (rempli par le bouton Importer)",
            "Last imported file (filled by the Import button)", "path", refresh=False),
    Setting("paid_only", "kpi_paid_only", "Imports : compter seulement les commandes payées (pas le paiement à la "
            "livraison en attente)", "Imports: count only paid orders (not pending cash on delivery)", "choice",
            None, "yes_no", refresh=False),
    Setting("date_order", "kpi_date_order", "Imports : dates comme 03/04/2026 (vide = d'après le fichier)",
            "Imports: dates like 03/04/2026 (blank = from the file)", "choice", None, "date_order", refresh=False),
)

#: The tiles of the dashboard: KPI keys of kpi_xl.report.monthly_kpis, with a default target and direction.
TILE_KPIS: tuple[tuple[str, float | None], ...] = (
    ("revenue", None), ("orders", None), ("average_order_value", None), ("gross_margin", 0.45),
    ("conversion_rate", 0.02), ("new_customers", None), ("churn_rate", 0.05), ("returning_customer_rate", 0.25),
    ("repeat_purchase_rate", 0.3), ("realised_ltv_12m", None), ("predictive_clv_12m", None),
    ("realised_ltv_cac_ratio", 3.0), ("customer_acquisition_cost", 30.0), ("paid_customer_acquisition_cost", 40.0),
    ("marketing_efficiency_ratio", 4.0), ("return_on_ad_spend", 3.0), ("click_through_rate", 0.015),
    ("email_click_rate", 0.02), ("engagement_rate", 0.01), ("social_traffic_share", 0.05),
)

#: The 12-month trend table of the dashboard (KPI keys), which the charts read.
TREND_COLUMNS: tuple[str, ...] = (
    "revenue", "conversion_rate", "customer_acquisition_cost", "lifetime_value", "churn_rate", "retention_rate",
    "gross_margin", "click_through_rate", "engagement_rate", "repurchase_30d", "repurchase_90d",
)


@dataclass(frozen=True)
class DashboardLayout:
    """Where the dashboard's areas sit (1-based rows and columns); the refresh uses the defined names."""

    title_row: int = 1
    tiles_row: int = 4
    tiles_per_row: int = 4
    tile_width: int = 3  # columns per tile
    tile_height: int = 5  # rows per tile, spacer included
    first_col: int = 2
    trend_rows: int = 12
    cohort_size: int = 13  # cohorts (rows) and months since first order (columns)
    checks_rows: int = 30
    charts: tuple[tuple[str, tuple[str, ...]], ...] = field(default=(
        ("conversion", ("conversion_rate",)),
        ("cac_ltv", ("customer_acquisition_cost", "lifetime_value")),
        ("churn_retention", ("churn_rate", "retention_rate")),
        ("margin", ("gross_margin",)),
        ("ctr", ("click_through_rate",)),
        ("engagement", ("engagement_rate",)),
    ))

    @property
    def tile_rows(self) -> int:
        """Rows of tiles: the built-in KPIs, then one row for the custom ones."""
        return -(-len(TILE_KPIS) // self.tiles_per_row) + 1

    @property
    def trend_row(self) -> int:
        return self.tiles_row + self.tile_rows * self.tile_height + 2

    @property
    def charts_row(self) -> int:
        return self.trend_row + self.trend_rows + 3

    @property
    def cohort_row(self) -> int:
        return self.charts_row + 3 * 16 + 2

    @property
    def checks_row(self) -> int:
        return self.cohort_row + self.cohort_size + 4


DASHBOARD = DashboardLayout()

#: Defined names of the workbook (besides the settings' and the tables' names).
NAMES = {
    "refreshed_at": "kpi_refreshed_at",
    "shown_month": "kpi_shown_month",
    "tiles": "kpi_tiles",
    "trend": "kpi_trend",
    "cohorts": "kpi_cohorts",
    "checks": "kpi_checks",
    "checks_summary": "kpi_checks_summary",
    "targets": "tblTargets",
    "print_main": "kpi_print_main",  # the dashboard's two pages
    "print_all": "kpi_print_all",  # the same and the data checks
}


def choice_label(choices: str, value: Any, lang: str) -> Any:
    """A drop-down value (a key of :data:`CHOICES`) in ``lang``, from its label in either language; other
    values as they are.

    >>> choice_label("format", "monnaie", "en"), choice_label("direction", "higher is better", "fr")
    ('money', 'plus haut = mieux')
    """
    if not isinstance(value, str):
        return value
    for source in CHOICES[choices].values():
        if value in source:
            return CHOICES[choices][lang][source.index(value)]
    return value


def status_label(status: Any, lang: str) -> Any:
    """A canonical status (paid, refunded, cancelled) as the workbook's drop-down shows it; other values as they are.

    >>> status_label("refunded", "fr"), status_label("remboursée", "fr")
    ('remboursée', 'remboursée')
    """
    return choice_label("status", status, lang)


def sheet_title(key: str, lang: str) -> str:
    """The tab name of a sheet in a language."""
    return next(s for s in SHEETS if s.key == key).title(lang)


def table(key: str) -> InputTable:
    """An input table by key (orders, traffic, marketing, social)."""
    return INPUT_TABLES[key]
