from core.permissions import role_by_permissions

from .menu import resolved_menus


def panel(request):
    """The menu, and the user's role for the header, for every page that extends the panel
    layout. The role comes from the permissions the page's check loaded: asking for the user's
    groups cost every page a query (the purchase page is at its budget of 10)."""
    if not getattr(request, "user", None) or not request.user.is_authenticated:
        return {}
    return {"panel_menus": resolved_menus(), "panel_role": role_by_permissions(request.user)}
