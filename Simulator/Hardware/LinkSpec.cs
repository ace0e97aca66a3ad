using ScalePlanner.Simulator.Specs;

namespace ScalePlanner.Simulator.Hardware;

/// <summary>One tier of the network: unidirectional bandwidth per device and per-message latency.</summary>
public sealed record LinkSpec(double GBps, double LatencySeconds)
{
    public LinkSpec Validated(string field)
    {
        Guard.Positive($"{field}GBps", GBps);
        Guard.NonNegative($"{field}LatencySeconds", LatencySeconds);
        return this;
    }

    public double BytesPerSecond => GBps * 1e9;
}
