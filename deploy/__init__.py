"""The public deployment: nginx in front of the app processes of two instances (see the README, "Deployment")."""
