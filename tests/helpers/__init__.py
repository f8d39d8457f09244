"""The tests' one set of helpers: waits (`waits`), a tmux harness on a private socket (`tmux`), an
HTTPS server bound to port 0 and self-signed certificates (`tls`), and filters over the simulator's
request record (`requests`). Import them as `from ..helpers.waits import wait_until`."""
