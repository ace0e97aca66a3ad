namespace ScalePlanner.Mpi;

/// <summary>A run across machines: the hostfile, and how many consecutive ranks each machine takes (the cluster's devices per node).</summary>
public sealed record Machines(Hostfile Hostfile, int PerNode);
