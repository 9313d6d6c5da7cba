from .figures import FIGURES


def pytest_terminal_summary(terminalreporter):
    if not FIGURES:
        return
    terminalreporter.section("reliability figures")
    for figure in FIGURES:
        terminalreporter.write_line(figure.line())
