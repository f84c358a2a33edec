public enum TrackerInfo {
    public static let version = "0.1.0"
}
