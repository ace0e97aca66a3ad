using ScalePlanner.Simulator.Specs;

namespace ScalePlanner.Simulator.Hardware;

/// <summary>How often devices fail and what a checkpoint and a restart cost.</summary>
public sealed record ReliabilitySpec(double DeviceMtbfHours, double CheckpointGBpsPerNode, double RestartSeconds)
{
    /// <summary>
    /// MTBF per device: Llama 3 405B saw 419 unexpected interruptions in 54 days on 16,384 H100 (Dubey et al. 2024, §3.3.4),
    /// 16,384 × 54 × 24 / 419 ≈ 50,700 device-hours between failures. Checkpoint bandwidth of 2 GB/s per node and a 10-minute
    /// restart (reschedule, NCCL set-up, checkpoint load) are assumptions to override per cluster.
    /// </summary>
    public static readonly ReliabilitySpec Default = new(16384.0 * 54 * 24 / 419, 2.0, 600);

    public ReliabilitySpec Validated()
    {
        Guard.Positive("reliability.deviceMtbfHours", DeviceMtbfHours);
        Guard.Positive("reliability.checkpointGBpsPerNode", CheckpointGBpsPerNode);
        Guard.NonNegative("reliability.restartSeconds", RestartSeconds);
        return this;
    }
}
