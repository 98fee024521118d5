// The @faker-js/faker side of bench/fake_vs_faker.sh: the same fields `canarytrap fake`
// writes, as CSV on stdout, so both are timed doing the same job. With `distinct`, as
// `canarytrap fake` without --allow-repeats: nobody repeats an earlier person's ID or SSN,
// phone, e-mail address or card number (a Set of each; whoever clashes is drawn again).
//   node faker_people.mjs zh_CN|en_US COUNT [distinct]
import { fakerZH_CN, fakerEN_US } from '@faker-js/faker';

const [locale = 'zh_CN', countArg = '100000', mode = ''] = process.argv.slice(2);
const count = Number(countArg);
const faker = locale === 'zh_CN' ? fakerZH_CN : fakerEN_US;
const ethnicities = [{ weight: 911, value: '汉族' }, { weight: 14, value: '壮族' }, { weight: 8, value: '回族' },
                     { weight: 8, value: '维吾尔族' }, { weight: 59, value: '苗族' }];

const csv = (v) => (/[",\r\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v);
const out = [];
let buffered = 0;
const flush = () => { process.stdout.write(out.join('')); out.length = 0; buffered = 0; };

// The identifying columns: ID, phone, e-mail (zh_CN); SSN, phone, e-mail, card (en_US).
const identifying = locale === 'zh_CN' ? [8, 9, 10] : [5, 6, 12, 13];
const seen = identifying.map(() => new Set());
const repeats = (fields) => identifying.some((c, k) => seen[k].has(fields[c]));

function person() {
  const sex = faker.person.sex();
  const first = faker.person.firstName(sex);
  const last = faker.person.lastName(sex);
  const birth = faker.date.birthdate({ mode: 'age', min: 18, max: 80 }).toISOString().slice(0, 10);
  const fields = locale === 'zh_CN'
    ? [last + first, sex, birth, faker.helpers.weightedArrayElement(ethnicities), faker.location.state(),
       faker.location.city(), faker.location.county(), faker.location.streetAddress(true),
       faker.string.numeric(18), faker.phone.number(), faker.internet.email({ firstName: first, lastName: last }),
       faker.image.avatar()]
    : [`${first} ${last}`, first, last, sex, birth, faker.string.numeric(9), faker.phone.number(),
       faker.location.streetAddress(), faker.location.city(), faker.location.state({ abbreviated: true }),
       faker.location.zipCode(), faker.location.streetAddress(true), faker.internet.email({ firstName: first, lastName: last }),
       faker.finance.creditCardNumber(), faker.image.avatar()];
  return fields;
}

for (let i = 0; i < count; i++) {
  let fields = person();
  if (mode === 'distinct') {
    while (repeats(fields)) fields = person();
    identifying.forEach((c, k) => seen[k].add(fields[c]));
  }
  out.push(fields.map(csv).join(',') + '\n');
  if (++buffered === 4096) flush();
}
flush();
