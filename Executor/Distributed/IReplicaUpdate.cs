namespace ScalePlanner.Executor.Distributed;

/// <summary>What follows backward on one rank: average the gradients over the replicas, clip by the global norm, update the weights.</summary>
public interface IReplicaUpdate : IDisposable
{
    /// <summary>Elements whose optimizer state this rank keeps.</summary>
    long OptimizerElements { get; }

    /// <summary>Called before the step's last backward pass, for updates that start reducing while it runs.</summary>
    void BeforeLastBackward() { }

    /// <summary>Buckets started while backward ran, and the seconds spent there on them, since the last call.</summary>
    (int Buckets, double Seconds) TakeOverlap() => (0, 0);

    /// <summary>Returns the global gradient norm before clipping and the seconds spent reducing gradients and gathering weights.</summary>
    (double Norm, double ReduceSeconds, double GatherSeconds) Step(double learningRate, double clip, double epsilon);

    /// <summary>Writes this rank's optimizer state (moments, step counts, its ZeRO shard, compression state) for a checkpoint.</summary>
    void Save(BinaryWriter writer);

    /// <summary>Reads back what <see cref="Save"/> wrote into an update built over the same parameters and layout.</summary>
    void Load(BinaryReader reader);
}
