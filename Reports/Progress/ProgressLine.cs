using ScalePlanner.Executor.Measurements;

namespace ScalePlanner.Reports.Progress;

/// <summary>The text of one step's progress: a compact line for a live terminal, a full line for logs.</summary>
public static class ProgressLine
{
    /// <summary>Share of the step spent waiting for its micro-batches.</summary>
    public static double DataWaitShare(StepMetrics m) => m.StepSeconds > 0 ? m.DataSeconds / m.StepSeconds : 0;

    /// <summary>e.g. "step 7/20  loss 5.2172  41,230 tokens/s  data wait 0.4 %  ETA 0:12".</summary>
    public static string Live(StepMetrics m, int totalSteps, TimeSpan eta) =>
        $"step {m.Step + 1}/{totalSteps}  loss {m.Loss:F4}  {m.TokensPerSecond:N0} tokens/s  data wait {DataWaitShare(m) * 100:F1} %{Flags(m)}  ETA {Clock(eta)}";

    /// <summary>The log line: every phase of the step, so a CI log shows where the time went.</summary>
    public static string Plain(StepMetrics m, int totalSteps, TimeSpan eta) =>
        $"step {m.Step + 1}/{totalSteps}: loss {m.Loss:F4}, {m.StepSeconds:F3} s (data {m.DataSeconds:F3}, forward {m.ForwardSeconds:F3}, backward {m.BackwardSeconds:F3}, optimizer {m.OptimizerSeconds:F3}), " +
        $"{m.TokensPerSecond:N0} tokens/s, data wait {DataWaitShare(m) * 100:F1} %, |g| {m.GradientNorm:F3}{Flags(m)}, ETA {Clock(eta)}";

    /// <summary>The log line of a step across processes: each part of the step averaged over the ranks.</summary>
    public static string Distributed(DistributedStepMetrics m, int totalSteps)
    {
        var t = m.Times;
        return $"step {m.Step + 1}/{totalSteps}: loss {m.Loss:F6}, {m.StepSeconds:F3} s (per rank: data {t.Data:F3}, forward {t.Forward:F3}, backward {t.Backward:F3}, tensor all-reduce {t.TensorReduce:F3} (+ {t.TensorWait:F3} waiting), " +
            $"pipeline wait {t.PipelineWait:F3}, replica wait {t.ReplicaWait:F3}, gradient reduce {t.GradientReduce:F3} exposed + {t.GradientOverlapped:F3} in backward ({m.BucketsStartedInBackward} buckets started there on rank 0), embedding all-reduce {t.EmbeddingReduce:F3}, weight all-gather {t.ParameterGather:F3}, optimizer {t.Optimizer:F3}), " +
            $"{m.TokensPerSecond:N0} tokens/s, |g| {m.GradientNorm:F3}";
    }

    /// <summary>What the numerical guards did in the step: a skipped update, a loss spike, the fp16 loss scale; empty otherwise.</summary>
    public static string Flags(StepMetrics m) =>
        (m.Skipped ? ", update skipped" : "") + (m.Spike ? ", loss spike" : "") + (m.LossScale != 1 ? $", loss scale {m.LossScale:G}" : "");

    /// <summary>h:mm:ss from an hour on, else m:ss.</summary>
    public static string Clock(TimeSpan span) =>
        span.TotalHours >= 1 ? $"{(int)span.TotalHours}:{span.Minutes:D2}:{span.Seconds:D2}" : $"{span.Minutes}:{span.Seconds:D2}";
}
