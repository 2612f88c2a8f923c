//! The named colours hearth knows, in English and Chinese.
//!
//! Every colour name of the corpus pools (`train/corpus/pools/en.toml` and
//! `zh.toml`, pool `color`) is listed here, plus a few common names people
//! type that the pools lack. RGB values are the web (CSS) colour where the
//! web names the colour, otherwise a usual reference value. Whites carry a
//! colour temperature in kelvin for lamps that only tune white.

/// One named colour.
pub(crate) struct NamedColor {
    /// English names, the canonical one first.
    pub(crate) english: &'static [&'static str],
    /// Chinese names, the one used in replies first.
    pub(crate) chinese: &'static [&'static str],
    /// The sRGB value.
    pub(crate) rgb: [u8; 3],
    /// The colour temperature of a white, in kelvin.
    pub(crate) kelvin: Option<u16>,
}

/// A colour without a colour temperature.
const fn hue(english: &'static [&'static str], chinese: &'static [&'static str], rgb: [u8; 3]) -> NamedColor {
    NamedColor { english, chinese, rgb, kelvin: None }
}

/// A white with its colour temperature.
const fn white(
    english: &'static [&'static str],
    chinese: &'static [&'static str],
    rgb: [u8; 3],
    kelvin: u16,
) -> NamedColor {
    NamedColor { english, chinese, rgb, kelvin: Some(kelvin) }
}

/// All named colours. English and Chinese names are unique across the table
/// once spaces and a trailing `色` are ignored (a test checks this).
pub(crate) const COLORS: &[NamedColor] = &[
    // Whites.
    hue(&["white"], &["白色", "白光"], [255, 255, 255]),
    white(&["warm white", "warm light"], &["暖白色", "暖光", "暖白光", "暖色光"], [255, 214, 170], 2700),
    white(&["soft white"], &["柔白色", "柔光"], [255, 223, 194], 2700),
    white(&["natural white", "neutral white"], &["自然白", "自然光", "中性光"], [255, 236, 219], 4000),
    white(&["cool white", "cold white", "cool light"], &["冷白色", "冷光", "冷白光", "冷色光"], [240, 244, 255], 5000),
    white(&["bright white"], &["亮白色"], [248, 248, 255], 5000),
    white(&["daylight", "daylight white"], &["日光色", "日光白"], [255, 249, 253], 6500),
    white(&["sunlight"], &["阳光色"], [255, 244, 229], 5500),
    white(&["moonlight white", "moonlight"], &["月光白", "月光"], [235, 240, 255], 4500),
    white(&["candlelight", "candle"], &["烛光色"], [255, 147, 41], 1900),
    white(&["warm yellow"], &["暖黄色", "暖黄光"], [255, 200, 110], 2200),
    hue(&["ivory"], &["象牙白", "象牙色"], [255, 255, 240]),
    hue(&["cream", "milky white"], &["奶白色", "奶油色"], [255, 253, 208]),
    hue(&["beige"], &["米黄色", "米色"], [245, 245, 220]),
    hue(&["champagne"], &["香槟色"], [247, 231, 206]),
    // Reds.
    hue(&["red"], &["红色"], [255, 0, 0]),
    hue(&["bright red"], &["大红色", "火红色", "亮红色"], [255, 24, 24]),
    hue(&["dark red"], &["深红色"], [139, 0, 0]),
    hue(&["crimson"], &["绯红色"], [220, 20, 60]),
    hue(&["scarlet"], &["猩红色"], [255, 36, 0]),
    hue(&["maroon"], &["栗色"], [128, 0, 0]),
    hue(&["burgundy", "wine red", "wine"], &["酒红色"], [128, 0, 32]),
    hue(&["china red", "chinese red"], &["中国红"], [170, 33, 22]),
    hue(&["sunset red"], &["夕阳红"], [250, 80, 50]),
    hue(&["rose", "rose red"], &["玫瑰红", "玫红色"], [255, 0, 127]),
    hue(&["orange red", "red orange"], &["橘红色", "橙红色"], [255, 69, 0]),
    // Oranges and yellows.
    hue(&["orange"], &["橙色", "橘色", "橘黄色"], [255, 165, 0]),
    hue(&["tangerine"], &["橘子色"], [242, 133, 0]),
    hue(&["sunset orange"], &["日落橙"], [253, 94, 83]),
    hue(&["apricot"], &["杏色"], [251, 206, 177]),
    hue(&["peach"], &["蜜桃色", "桃色"], [255, 218, 185]),
    hue(&["coral"], &["珊瑚色"], [255, 127, 80]),
    hue(&["salmon"], &["三文鱼色", "鲑鱼色"], [250, 128, 114]),
    hue(&["amber"], &["琥珀色"], [255, 191, 0]),
    hue(&["gold", "golden", "golden yellow"], &["金色", "金黄色"], [255, 215, 0]),
    hue(&["yellow"], &["黄色"], [255, 255, 0]),
    hue(&["lemon", "lemon yellow"], &["柠檬黄", "柠檬色"], [255, 247, 0]),
    hue(&["mustard"], &["芥末黄"], [255, 219, 88]),
    hue(&["pale yellow", "light yellow"], &["鹅黄色", "淡黄色", "浅黄色"], [255, 255, 153]),
    hue(&["brown", "coffee"], &["咖啡色", "棕色", "褐色"], [165, 42, 42]),
    // Greens.
    hue(&["chartreuse"], &["黄绿色"], [127, 255, 0]),
    hue(&["green"], &["绿色"], [0, 128, 0]),
    hue(&["lime", "lime green"], &["青柠色", "青柠绿"], [0, 255, 0]),
    hue(&["light green"], &["浅绿色", "淡绿色"], [144, 238, 144]),
    hue(&["dark green"], &["深绿色", "墨绿色"], [0, 100, 0]),
    hue(&["forest green"], &["森林绿"], [34, 139, 34]),
    hue(&["grass green", "lawn green"], &["草绿色"], [124, 252, 0]),
    hue(&["mint", "mint green"], &["薄荷绿", "薄荷色"], [152, 255, 152]),
    hue(&["neon green"], &["荧光绿"], [57, 255, 20]),
    hue(&["emerald", "emerald green"], &["翠绿色", "祖母绿"], [80, 200, 120]),
    hue(&["jade", "jade green"], &["玉绿色", "玉色"], [0, 168, 107]),
    hue(&["olive", "olive green"], &["橄榄绿", "橄榄色"], [128, 128, 0]),
    hue(&["avocado green", "avocado"], &["牛油果绿"], [86, 130, 3]),
    // Blue-greens.
    hue(&["turquoise"], &["松石绿", "绿松石色"], [64, 224, 208]),
    hue(&["teal"], &["蓝绿色"], [0, 128, 128]),
    hue(&["cyan", "aqua"], &["青色", "水蓝色"], [0, 255, 255]),
    hue(&["aquamarine"], &["海蓝宝石色"], [127, 255, 212]),
    // Blues.
    hue(&["blue"], &["蓝色"], [0, 0, 255]),
    hue(&["sky blue"], &["天蓝色"], [135, 206, 235]),
    hue(&["light blue"], &["浅蓝色", "淡蓝色"], [173, 216, 230]),
    hue(&["baby blue"], &["婴儿蓝"], [137, 207, 240]),
    hue(&["dark blue"], &["深蓝色"], [0, 0, 139]),
    hue(&["navy", "navy blue"], &["藏青色", "海军蓝"], [0, 0, 128]),
    hue(&["royal blue"], &["宝蓝色"], [65, 105, 225]),
    hue(&["lake blue"], &["湖蓝色"], [30, 144, 255]),
    hue(&["ocean blue", "sea blue"], &["海蓝色"], [0, 119, 190]),
    hue(&["ice blue"], &["冰蓝色"], [165, 242, 243]),
    hue(&["electric blue"], &["电光蓝"], [125, 249, 255]),
    hue(&["cobalt", "cobalt blue"], &["钴蓝色"], [0, 71, 171]),
    hue(&["peacock blue"], &["孔雀蓝"], [0, 120, 140]),
    hue(&["haze blue", "dusty blue"], &["雾霾蓝"], [121, 140, 166]),
    hue(&["periwinkle"], &["长春花蓝"], [204, 204, 255]),
    hue(&["indigo"], &["靛蓝色", "靛青色"], [75, 0, 130]),
    // Purples and pinks.
    hue(&["purple"], &["紫色"], [128, 0, 128]),
    hue(&["deep purple", "dark purple"], &["深紫色"], [94, 0, 138]),
    hue(&["violet"], &["紫罗兰色"], [238, 130, 238]),
    hue(&["lavender"], &["薰衣草紫", "薰衣草色"], [230, 230, 250]),
    hue(&["lilac", "light purple"], &["淡紫色", "浅紫色"], [200, 162, 200]),
    hue(&["plum"], &["梅子色"], [221, 160, 221]),
    hue(&["magenta"], &["洋红色", "品红色"], [255, 0, 255]),
    hue(&["fuchsia"], &["紫红色"], [255, 0, 255]),
    hue(&["pink"], &["粉色", "粉红色"], [255, 192, 203]),
    hue(&["hot pink"], &["桃红色"], [255, 105, 180]),
    hue(&["blush pink", "blush"], &["腮红粉"], [222, 93, 131]),
    hue(&["pastel pink", "light pink"], &["浅粉色", "淡粉色"], [255, 209, 220]),
    hue(&["cherry blossom pink", "sakura pink"], &["樱花粉"], [255, 183, 197]),
    hue(&["rose gold"], &["玫瑰金"], [183, 110, 121]),
];
