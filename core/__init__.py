"""What every app may import and that imports no app of the project: domain errors, permissions and
roles, Indian formats and validators, HTML to PDF, and the helpers every panel page shares."""
