namespace ScalePlanner.Mpi;

/// <summary>How an mpirun job ended: its exit code and, when mpirun named one, the first rank that died or failed ("rank 1 on node vm died on signal 9 (Killed)").</summary>
public sealed record MpiOutcome(int ExitCode, string? FailedRank);
