using System.Globalization;
using ScalePlanner.Simulator.Profiles;

namespace ScalePlanner.Calibration.Collectives;

/// <summary>
/// A profile's two measured links written as a scenario's cluster keys (intraNodeGBps, intraNodeLatencyUs, interNodeGBps,
/// interNodeLatencyUs; docs/scenarios.md), so a cluster spec can take the measured network too. The profile itself already
/// replaces the cluster's links with them wherever it is used (`--profile`).
/// </summary>
public static class ClusterLinks
{
    /// <summary>One line with the keys, or null when the profile has no link measured across machines.</summary>
    public static string? Describe(DeviceProfile profile)
    {
        if (profile.InterNodeLink is not { } across) return null;
        string intra = profile.IntraNodeLink is { } inside
            ? $"\"intraNodeGBps\": {Number(inside.GBps)}, \"intraNodeLatencyUs\": {Number(inside.LatencySeconds * 1e6)}, "
            : "";
        return $"measured links as a scenario's cluster keys: {intra}\"interNodeGBps\": {Number(across.GBps)}, \"interNodeLatencyUs\": {Number(across.LatencySeconds * 1e6)}";
    }

    private static string Number(double value) => value.ToString("G4", CultureInfo.InvariantCulture);
}
