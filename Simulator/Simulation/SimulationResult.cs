using ScalePlanner.Simulator.Layouts;
using ScalePlanner.Simulator.Specs;

namespace ScalePlanner.Simulator.Simulation;

/// <summary>Everything the cost model predicts for one layout of one job.</summary>
public sealed record SimulationResult
{
    public required Layout Layout { get; init; }
    /// <summary>The software stack the step was costed for.</summary>
    public Framework Framework { get; init; }
    /// <summary>The attention kernel the step was costed with.</summary>
    public AttentionKernel AttentionKernel { get; init; } = AttentionKernel.Flash2;
    public required int Devices { get; init; }
    /// <summary>The model's parameters, every expert counted.</summary>
    public long Parameters { get; init; }
    /// <summary>Parameters one token passes through (the routed experts it goes to instead of all); the total for a dense model.</summary>
    public long ActiveParameters { get; init; }
    public required int MicroBatches { get; init; }
    public required bool Fits { get; init; }
    public required double MemoryCapacityBytes { get; init; }
    public required MemoryParts Memory { get; init; }
    public required TimeParts Time { get; init; }
    public required double StepTimeSeconds { get; init; }
    public required double TokensPerSecond { get; init; }
    /// <summary>Model FLOPs (forward + backward, no recomputation) per second per device, in TFLOP/s.</summary>
    public required double ModelTflopsPerGpu { get; init; }
    /// <summary>Hardware FLOPs (recomputation counted) per second per device, in TFLOP/s.</summary>
    public required double HardwareTflopsPerGpu { get; init; }
    /// <summary>FLOPs of one step over all devices: forward + backward (model) and with recomputation (hardware), attention s² terms included.</summary>
    public required double ModelFlopsPerStep { get; init; }
    public required double HardwareFlopsPerStep { get; init; }
    public required double Mfu { get; init; }
    public required double Hfu { get; init; }
    public required double Steps { get; init; }
    /// <summary>Steps × step time, as if nothing ever failed.</summary>
    public required double FailureFreeTimeToTrainSeconds { get; init; }
    public required double CheckpointWriteSeconds { get; init; }
    /// <summary>Young/Daly optimal interval between checkpoints.</summary>
    public required double CheckpointIntervalSeconds { get; init; }
    public required double ExpectedInterruptions { get; init; }
    /// <summary>Useful training time over wall time, after checkpoints, lost work and restarts.</summary>
    public required double Goodput { get; init; }
    /// <summary>Wall time to train the scenario's tokens, expected interruptions included.</summary>
    public required double TimeToTrainSeconds { get; init; }
    public required double DeviceHours { get; init; }
    /// <summary>Dollars for the whole run; null when the cluster has no price.</summary>
    public required double? CostDollars { get; init; }

    public double MemoryPerGpuBytes => Memory.Total;
}
