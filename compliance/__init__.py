"""compliance: policy-as-code scanning with evidence auditors can verify."""

__version__ = "0.1.0"

__all__ = ["__version__"]
