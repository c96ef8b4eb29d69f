//! A generated corpus of realistic Chinese government pages, shared by the benchmarks.

const PAGES: usize = 3_000;

/// A small deterministic generator (no dependency, same corpus on every machine).
struct Seed(u64);

impl Seed {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
        self.0 >> 33
    }

    fn below(&mut self, bound: usize) -> usize {
        (self.next() % bound as u64) as usize
    }

    fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[self.below(items.len())]
    }
}

const SUBJECTS: &[&str] = &[
    "市政府常务会议",
    "市委网信办",
    "市发展改革委",
    "市教育局",
    "市卫生健康委",
    "市生态环境局",
    "各区县人民政府",
    "市场监管部门",
    "市人力资源和社会保障局",
    "市住房城乡建设局",
    "市交通运输局",
    "市应急管理局",
];
const VERBS: &[&str] =
    &["研究部署", "召开专题会议推进", "印发实施方案落实", "组织开展", "督促检查", "全面部署", "扎实推进", "统筹协调"];
const OBJECTS: &[&str] = &[
    "网络安全宣传周活动",
    "优化营商环境重点任务",
    "城市更新行动",
    "政务服务“一网通办”改革",
    "安全生产大检查",
    "乡村振兴重点工作",
    "民生实事项目",
    "生态环境保护督察整改",
    "数字政府建设",
    "防汛抗旱准备工作",
];
const TAILS: &[&str] = &[
    "，要求各单位压实责任、细化措施，确保各项工作落地见效。",
    "。会议强调，要坚持以人民为中心的发展思想，切实解决群众急难愁盼问题。",
    "，进一步提升政务公开标准化规范化水平。",
    "。各部门要加强协同配合，按时报送工作进展情况。",
    "，并于2024年5月15日前完成阶段性任务。",
];
const GOVERNMENT_LINKS: &[&str] = &[
    "https://www.gov.cn/zhengce/content/202405/content_6951234.htm",
    "https://www.cac.gov.cn/2024-05/15/c_1717446916286913.htm",
    "https://www.ndrc.gov.cn/xxgk/zcfb/tz/202405/t20240515_1234567.html",
];
const OTHER_LINKS: &[&str] = &[
    "https://www.people.com.cn/n1/2024/0515/c1001-40236123.html",
    "https://www.xinhuanet.com/politics/2024-05/15/c_1130143512.htm",
];

fn sentence(seed: &mut Seed) -> String {
    format!("{}{}{}{}", seed.pick(SUBJECTS), seed.pick(VERBS), seed.pick(OBJECTS), seed.pick(TAILS))
}

fn paragraph(seed: &mut Seed) -> String {
    let mut text = String::new();
    for _ in 0..2 + seed.below(4) {
        text.push_str(&sentence(seed));
    }
    if seed.below(3) == 0 {
        let url = if seed.below(2) == 0 { seed.pick(GOVERNMENT_LINKS) } else { seed.pick(OTHER_LINKS) };
        text.push_str(&format!("详见[相关链接]({url})。"));
    }
    if seed.below(6) == 0 {
        text.push_str("咨询电话：010-12345678，联系人：**张科长**。");
    }
    text
}

fn page(seed: &mut Seed, index: usize) -> String {
    let reprint = index % 7 == 0;
    let mut source = format!(
        "+++\ntitle = \"关于{}的通知\"\ndate = 2024-{:02}-{:02}\ndepartment = \"{}\"\nkind = \"{}\"\n",
        seed.pick(OBJECTS),
        1 + seed.below(12),
        1 + seed.below(28),
        seed.pick(SUBJECTS),
        if reprint { "reprint" } else { "original" },
    );
    if reprint {
        source.push_str(&format!(
            "\n[reprint]\nsource_name = \"中国网信网\"\nsource_url = \"{}\"\nreprinted_at = 2024-12-31T09:00:00+08:00\n",
            seed.pick(GOVERNMENT_LINKS)
        ));
    }
    source.push_str("+++\n\n");
    for section in 0..2 + seed.below(3) {
        source.push_str(&format!("## {}、{}\n\n", ["一", "二", "三", "四", "五"][section], seed.pick(OBJECTS)));
        for _ in 0..1 + seed.below(3) {
            source.push_str(&paragraph(seed));
            source.push_str("\n\n");
        }
        if seed.below(2) == 0 {
            for item in 1..=3 + seed.below(3) {
                source.push_str(&format!("{item}. {}\n", sentence(seed)));
            }
            source.push('\n');
        }
        if seed.below(4) == 0 {
            source.push_str("| 序号 | 项目名称 | 责任单位 | 完成时限 |\n| --- | --- | --- | --- |\n");
            for row in 1..=4 {
                source.push_str(&format!(
                    "| {row} | {} | {} | 2024年{}月底 |\n",
                    seed.pick(OBJECTS),
                    seed.pick(SUBJECTS),
                    1 + seed.below(12)
                ));
            }
            source.push('\n');
        }
    }
    if seed.below(5) == 0 {
        source.push_str("![现场照片](/static/images/2024/meeting.jpg)\n\n");
    }
    source.push_str(&format!("{}\n\n2024年5月15日\n", seed.pick(SUBJECTS)));
    source
}

pub fn corpus() -> Vec<(String, String)> {
    let mut seed = Seed(20240515);
    (0..PAGES).map(|index| (format!("content/news/{index}.md"), page(&mut seed, index))).collect()
}
