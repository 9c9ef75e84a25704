"""The journal service: the inalterable journal of sales and payments (art. 286 I 3° bis CGI)."""
