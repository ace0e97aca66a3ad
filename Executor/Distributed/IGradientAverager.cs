using ScalePlanner.Calibration.Mpi;

namespace ScalePlanner.Executor.Distributed;

/// <summary>Replaces every gradient of a rank by (an estimate of) its mean over the data-parallel group.</summary>
public interface IGradientAverager
{
    void AllReduceMean(Mpi mpi, nint group, int ranks);
}
