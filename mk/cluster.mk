# The 3-node Pacemaker lab (included by the Makefile).
#
#   make demo            a live 3-node cluster: write through the VIP, crash
#                        the active node, failover, rejoin (scripts/demo.sh)
#   make check-cluster   the failover suite on the lab (tests/cluster)

demo:
	scripts/demo.sh

check-cluster: install
	tests/cluster/failover.sh

.PHONY: demo check-cluster
