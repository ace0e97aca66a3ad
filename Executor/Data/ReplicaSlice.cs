namespace ScalePlanner.Executor.Data;

/// <summary>
/// The rows one data-parallel replica trains on: of every global batch of G rows, replica d of dp takes rows
/// [d·G/dp, (d + 1)·G/dp), so the replicas together read exactly the one-process stream. Sample i of the replica's own stream is
/// sample ⌊i / (G/dp)⌋·G + d·G/dp + i mod (G/dp) of the whole stream, which is what seeds its row and its mask.
/// </summary>
public sealed record ReplicaSlice(int GlobalBatch, int Replicas, int Replica)
{
    /// <summary>The whole stream: one replica reading every row.</summary>
    public static ReplicaSlice Whole { get; } = new(1, 1, 0);

    private int PerReplica => GlobalBatch / Replicas;

    /// <summary>The whole stream's index of sample <paramref name="local"/> of this replica's stream.</summary>
    public long Global(long local) => local / PerReplica * GlobalBatch + (long)Replica * PerReplica + local % PerReplica;
}
