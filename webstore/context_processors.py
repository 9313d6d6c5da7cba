from .menu import resolved_menus


def panel(request):
    """The menu, for every page that extends the panel layout."""
    if not getattr(request, "user", None) or not request.user.is_authenticated:
        return {}
    return {"panel_menus": resolved_menus()}
