using ScalePlanner.Simulator.Costs;

namespace ScalePlanner.Simulator.Simulation;

/// <summary>
/// A step estimate carried over the whole run (<see cref="CostModel.Run"/>): optimizer steps to train the tokens, tokens per
/// second, model and hardware FLOP/s per device, MFU and HFU against the catalog peak (PaLM, Chowdhery et al. 2022, App. B),
/// and the failure model's time to train.
/// </summary>
public readonly record struct RunEstimate(
    double Steps, double TokensPerSecond, double ModelFlopsPerDevice, double HardwareFlopsPerDevice, double Mfu, double Hfu, FailureCosts Failures)
{
    /// <summary>Wall time to train, expected interruptions included.</summary>
    public double TimeToTrainSeconds => Failures.WallSeconds;
}
