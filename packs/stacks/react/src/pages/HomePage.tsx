import { Link } from 'react-router-dom';
import { usePageTitle } from '../components/usePageTitle';
import { entities } from '../entities';
import { useI18n } from '../i18n/I18nContext';

export function HomePage() {
  const { t } = useI18n();
  usePageTitle();
  return (
    <section>
      <h1>{t('home.title')}</h1>
      <p>{t('home.intro')}</p>
      <ul className="cards">
        {entities.map((entity) => (
          <li key={entity.name}>
            <Link to={entity.path}>{entity.pluralTitle}</Link>
          </li>
        ))}
      </ul>
    </section>
  );
}
