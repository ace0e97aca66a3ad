using ScalePlanner.Simulator.Specs;

namespace ScalePlanner.Simulator.Simulation;

/// <summary>
/// The last line of defence between the cost model and a user: a step time, throughput, memory, time to train or cost that is
/// not a finite positive number (zero where zero is meaningful) is never shown as a result. It becomes one error that names
/// the inputs the failing figure comes from. Inputs are range-checked when read (<see cref="Limits"/>), so this catches the
/// combinations no single range can, such as failures that come faster than a large cluster can restart.
/// </summary>
public static class ResultCheck
{
    private const string Profile = "the device profile (--profile, or the accelerator's catalog profile)";
    private const string IntraNode = "cluster.intraNodeGBps and intraNodeLatencyUs";
    private const string Links = "cluster.intraNodeGBps, interNodeGBps and their latencies";

    public static SimulationResult Checked(this SimulationResult result, TrainingJob job)
    {
        var t = result.Time;
        Part(t.Compute, "compute time", Profile);
        Part(t.Recompute, "recomputation time", Profile);
        Part(t.PipelineBubble, "pipeline bubble", Profile);
        Part(t.TensorParallelComm, "tensor-parallel communication", IntraNode);
        Part(t.ContextParallelComm, "context-parallel communication", Links);
        Part(t.DataParallelCommExposed, "data-parallel communication", Links);
        Part(t.PipelineComm, "pipeline communication", Links);
        Part(t.OptimizerStep, "optimizer step", Profile);
        Part(t.DataWait, "data wait", "training.loaderTokensPerSecondPerDevice");
        Positive(result.StepTimeSeconds, "step time", Profile);
        Positive(result.TokensPerSecond, "tokens per second", Profile);
        Positive(result.Memory.Total, "memory per device", "the model's sizes");
        var reliability = job.Cluster.Reliability;
        if (!(result.Goodput > 0) || !double.IsFinite(result.TimeToTrainSeconds))
        {
            double mtbfSeconds = reliability.DeviceMtbfHours * 3600 / result.Devices;
            throw new SpecException("cluster.deviceMtbfHours",
                $"{reliability.DeviceMtbfHours:G5} hours per device means a failure every {mtbfSeconds:G3} s on {result.Devices} devices, " +
                $"sooner than the run recovers (half of a {result.CheckpointIntervalSeconds:G3} s checkpoint interval plus restartSeconds {Limits.Number(reliability.RestartSeconds)}), " +
                "so it would never finish; raise deviceMtbfHours or checkpointGBpsPerNode, or lower restartSeconds");
        }
        Positive(result.TimeToTrainSeconds, "time to train", "training.tokens");
        if (result.CostDollars is { } dollars && !(double.IsFinite(dollars) && dollars >= 0))
            throw new SpecException("cluster.pricePerDeviceHour", $"gives a cost of {dollars} dollars, which is not a finite amount");
        return result;
    }

    private static void Part(double seconds, string what, string inputs)
    {
        if (!(double.IsFinite(seconds) && seconds >= 0))
            throw new SpecException(inputs, $"give a {what} of {seconds} s per step, which is not a finite duration; check these inputs");
    }

    private static void Positive(double value, string what, string inputs)
    {
        if (!(double.IsFinite(value) && value > 0))
            throw new SpecException(inputs, $"give a {what} of {value}, which is not a finite positive number; check these inputs");
    }
}
