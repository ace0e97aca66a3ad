using System.Reflection;
using System.Runtime.InteropServices;

namespace ScalePlanner.Reports.Html;

/// <summary>The software a run used; TorchSharp and LibTorch only when the run trained or measured with them.</summary>
public sealed record RunVersions(string ScalePlanner, string DotNet, string OperatingSystem, string? TorchSharp, string? LibTorch)
{
    public static RunVersions Current(string? torchSharp = null, string? libTorch = null) => new(
        typeof(RunVersions).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion
            ?? typeof(RunVersions).Assembly.GetName().Version?.ToString() ?? "unknown",
        RuntimeInformation.FrameworkDescription, RuntimeInformation.OSDescription, torchSharp, libTorch);
}
