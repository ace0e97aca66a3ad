namespace ScalePlanner.Executor.Distributed;

/// <summary>The gradient norm over all ranks after a step's reduction, and the seconds spent reducing over the replicas and summing the tied embedding's copies.</summary>
public readonly record struct ReducedGradients(double Norm, double ReduceSeconds, double EmbeddingSeconds);

/// <summary>
/// What follows backward on one rank: average the gradients over the replicas (after summing the partial and shared ones),
/// unscale them, take the global norm; then, if the step is kept, clip and update the weights.
/// </summary>
public interface IReplicaUpdate : IDisposable
{
    /// <summary>Elements whose optimizer state this rank keeps.</summary>
    long OptimizerElements { get; }

    /// <summary>The model's parameters every replica holds alike after an update (what the replica check compares).</summary>
    IReadOnlyList<TorchSharp.Modules.Parameter> Replicated { get; }

    /// <summary>What runs during the step's backward passes (overlapped or per-micro-batch reduction); nothing by default.</summary>
    BackwardCallbacks Callbacks => new();

    /// <summary>Buckets started while backward ran, and the seconds spent there on them, since the last call.</summary>
    (int Buckets, double Seconds) TakeOverlap() => (0, 0);

    /// <summary>Reduces this step's gradients, divided by <paramref name="lossScale"/>; returns the global norm before clipping.</summary>
    ReducedGradients Reduce(double lossScale);

    /// <summary>Scales the gradients by <paramref name="clipCoefficient"/> (at most 1), steps the optimizer and updates the model; returns the seconds spent gathering weights.</summary>
    double Apply(double learningRate, double clipCoefficient);

    /// <summary>Drops this step's reduced gradients when the step is not kept (non-finite, or a loss spike skipped or rolled back).</summary>
    void Discard() { }

    /// <summary>Writes this rank's optimizer state (moments, step counts, its ZeRO shards, compression state) for a checkpoint.</summary>
    void Save(BinaryWriter writer);

    /// <summary>Reads back what <see cref="Save"/> wrote into an update built over the same parameters and layout.</summary>
    void Load(BinaryReader reader);
}
