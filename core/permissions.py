"""Every permission the panel checks, and which role holds it: the one place to read or change them.

The permissions themselves are declared on the models that own them (`Meta.permissions`, and
Django's `view_*`); the three roles are Django groups made from ROLE_PERMISSIONS by
`accounts.roles.sync_roles`. README.md's access matrix says the same per page.
"""

from django.contrib.auth.models import AbstractBaseUser

from .exceptions import RoleNotAllowed

# What people do (declared on purchases.Purchase and configuration.StoreProfile).
FULFIL = "purchases.fulfil_purchase"  # fraud review, invoice, couriers, AWBs, hand over
CANCEL = "purchases.cancel_purchase"
PRINT = "purchases.print_documents"
CONFIGURE = "configuration.configure_store"  # store profile, couriers, products, users, secrets
MANAGE_STOCK = "catalog.manage_stock"  # receive stock, correct counts
REFUND = "purchases.record_refund"  # mark a refund due as paid back

# What people see (Django's view_* permissions; every role holds all of them).
VIEW_PURCHASE = "purchases.view_purchase"
VIEW_SHIPMENT = "shipments.view_shipment"
VIEW_AGENT = "shipments.view_shippingagent"
VIEW_PRODUCT = "catalog.view_product"
VIEW_CUSTOMER = "customers.view_customer"
VIEW_STORE_PROFILE = "configuration.view_storeprofile"
VIEW_PARTNER_FEED = "partners.view_partnerfeedsettings"
VIEW_REJECTED_EVENTS = "partners.view_rejectedpartnerevent"
VIEW_PRINT_JOBS = "printing.view_printjob"
VIEW_CHANNELS = "channels.view_saleschannel"
VIEW_REFUSED_ORDERS = "channels.view_refusedorder"

OWNER, STAFF, VIEWER = "Owner", "Staff", "Viewer"

# The apps whose view_* permissions every role holds (VIEW_ONLY below).
PANEL_APPS = [
    "configuration",
    "catalog",
    "customers",
    "purchases",
    "shipments",
    "partners",
    "printing",
    "channels",
    "deliveries",
    "returns",
]
VIEW_ONLY = "view"  # every view_* permission of the panel apps

ROLE_PERMISSIONS = {
    OWNER: [VIEW_ONLY, FULFIL, CANCEL, PRINT, CONFIGURE, MANAGE_STOCK, REFUND],
    STAFF: [VIEW_ONLY, FULFIL, PRINT, MANAGE_STOCK],
    VIEWER: [VIEW_ONLY],
}

# What the refusal says the role may not do, by permission.
ACTIONS_OF = {
    FULFIL: "fulfil purchases",
    CANCEL: "cancel purchases",
    PRINT: "print documents",
    CONFIGURE: "change the store's settings",
    MANAGE_STOCK: "change stock",
    REFUND: "record refunds",
}


def require(
    user: AbstractBaseUser | None, permission: str, *, what: str = "", doing: str = ""
) -> None:
    """RoleNotAllowed unless the user holds `permission`; `None` is the system or a command run
    by the developer, which no role limits. `what` names the object in the message, `doing` says
    what was refused when the permission's general words would not ('hand parcels over')."""
    if user is None or user.has_perm(permission):
        return
    prefix = f"{what}: your role" if what else "Your role"
    raise RoleNotAllowed(f"{prefix} may not {doing or ACTIONS_OF[permission]}.")


def role_by_permissions(user: AbstractBaseUser) -> str:
    """The role whose every permission the user holds, first of Owner, Staff and Viewer (a
    superuser holds all: Owner); '' for none. Read from the permissions a page's check has
    loaded already, so the panel's header names the role without asking for the user's groups."""
    for role, codes in ROLE_PERMISSIONS.items():
        needed = [VIEW_PURCHASE if code == VIEW_ONLY else code for code in codes]
        if all(user.has_perm(code) for code in needed):
            return role
    return ""


def roles_holding(permission: str) -> list[str]:
    """The roles whose group is given `permission` (from the table above, no query)."""
    app_label, _, codename = permission.partition(".")
    is_view = codename.startswith("view_") and app_label in PANEL_APPS
    return [
        role
        for role, codes in ROLE_PERMISSIONS.items()
        if permission in codes or (is_view and VIEW_ONLY in codes)
    ]


def role_needed_message(permissions) -> str:
    """'This needs the Owner role.' for the permissions a page or action requires."""
    if isinstance(permissions, str):
        permissions = [permissions]
    roles = None
    for permission in permissions:
        holding = roles_holding(permission)
        roles = holding if roles is None else [r for r in roles if r in holding]
    if not roles:
        return "Your role does not allow this. Ask the store owner."
    names = " or ".join(roles)
    plural = "role" if len(roles) == 1 else "roles"
    return f"This needs the {names} {plural}. Ask the store owner if you should have it."
