using ScalePlanner.Simulator.Hardware;

namespace ScalePlanner.Simulator.Costs;

/// <summary>Expected interruptions of a long run and the checkpoint interval that loses least to them.</summary>
public readonly record struct FailureCosts(double CheckpointWriteSeconds, double CheckpointIntervalSeconds, double Goodput, double WallSeconds, double ExpectedInterruptions);

public static class FailureModel
{
    /// <summary>
    /// System MTBF M = device MTBF / devices. Checkpoint write time δ = checkpoint bytes / (nodes × per-node bandwidth).
    /// Optimal interval τ = √(2δM) (Young 1974; Daly 2006 first order). Wall time W solves W = T(1 + δ/τ) + (W/M)(τ/2 + R):
    /// checkpoint overhead plus, per failure, half an interval of lost work and the restart R. Goodput = T / W; zero when
    /// failures come faster than the run can recover (τ/2 + R ≥ M).
    /// </summary>
    public static FailureCosts Of(double workSeconds, double checkpointBytes, int devices, int nodes, ReliabilitySpec reliability)
    {
        double mtbf = reliability.DeviceMtbfHours * 3600 / devices;
        double write = checkpointBytes / (nodes * reliability.CheckpointGBpsPerNode * 1e9);
        double interval = Math.Sqrt(2 * write * mtbf);
        double lostFraction = (interval / 2 + reliability.RestartSeconds) / mtbf;
        if (lostFraction >= 1) return new FailureCosts(write, interval, 0, double.PositiveInfinity, double.PositiveInfinity);
        double overhead = write > 0 ? write / interval : 0; // nothing to write costs nothing (δ/τ → 0 as δ → 0)
        double wall = workSeconds * (1 + overhead) / (1 - lostFraction);
        return new FailureCosts(write, interval, workSeconds / wall, wall, wall / mtbf);
    }
}
