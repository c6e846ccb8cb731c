"""`make scale-test`: drives the cluster of scripts/cluster and proves what must hold across instances."""
