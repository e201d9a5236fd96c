"""The charter function: the payment charter, signatures and the public register."""
