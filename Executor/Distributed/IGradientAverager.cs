using ScalePlanner.Mpi;

namespace ScalePlanner.Executor.Distributed;

/// <summary>Replaces every gradient of a rank by (an estimate of) its mean over the data-parallel group.</summary>
public interface IGradientAverager
{
    void AllReduceMean(OpenMpi mpi, nint group, int ranks);

    /// <summary>Called before the step's last backward pass through a model chunk, for averagers that start reducing while it runs.</summary>
    void BeforeLastBackward(int chunk) { }

    /// <summary>Buckets started while backward ran, and the seconds spent there on them, since the last call.</summary>
    (int Buckets, double Seconds) TakeOverlap() => (0, 0);

    /// <summary>Writes the state the averager carries from step to step (PowerSGD's Q and error feedback) for a checkpoint; plain buckets carry none.</summary>
    void Save(BinaryWriter writer) { }

    /// <summary>Reads back what <see cref="Save"/> wrote.</summary>
    void Load(BinaryReader reader) { }
}
